"""Live documents: committed changes published to the sockets open on their document.

``events``: a history entry as an event (the socket's messages and the change feed's rows);
``publish``: sends each committed write's events to its document's group, through the channel
layer (Redis across servers); ``consumer``: the socket at ``/ws/documents/<id>/``; ``routing``:
its route, which ``annotator.asgi`` serves.
"""
