"""The claims pages, one module per area: projects (home, a project), exports and documents."""
