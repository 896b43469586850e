"""JupyterLab for exploring a caseload: start a local, token-protected server on notebooks/."""
