"""Configuration: ``Settings`` from the environment, and the model assets and where they live.

The bottom layer: it imports no other package of the project.
"""
