"""The argument map without the ORM: a graph of tags and links, its checks, layout and picture.

``graph`` holds the frozen ``ArgumentMap`` (nodes are tags, edges are links) and ``validate``;
``checks`` finds weak spots in an argument; ``layout`` places it top-down with grandalf; ``svg``
draws a laid-out map as a standalone picture. Nothing here touches the database.
"""
