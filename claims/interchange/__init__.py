"""Files in and out: one module per format under ``exporters/`` and ``importers/``, the import
service (``importing``) and the whole-site backup (``backup``)."""
