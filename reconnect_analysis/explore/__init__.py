"""Interactive exploration in JupyterLab: the logic behind notebooks/explore_*.ipynb.

``data`` finds and opens the caseload, ``display`` defines a view and how a widget shows it,
``client`` builds the one-client views and ``caseload`` the whole-caseload ones, and
``client_explorer`` / ``caseload_explorer`` wire them to ipywidgets controls. The notebooks
only call these and display what they return.
"""
