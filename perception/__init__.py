"""What is observed about how the candidate speaks and presents (measurements with a confidence).

Empty until the perception work lands; the voice pipeline does not depend on it yet.
"""
