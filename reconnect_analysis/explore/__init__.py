"""Interactive exploration in JupyterLab: the logic behind notebooks/explore_*.ipynb.

``data`` finds and opens the caseload, ``client`` builds the one-client views, ``caseload``
the whole-caseload views, and ``widgets`` wires them to ipywidgets controls. The notebooks
only call these functions and display what they return.
"""
