"""Weekly reports: notebook execution, HTML and PDF rendering, the caseload batch."""
