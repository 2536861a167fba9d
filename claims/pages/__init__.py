"""The claims pages, one module per area: projects (home, a project), imports, exports and
documents."""
