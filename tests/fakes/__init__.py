"""Fakes of the project's own ports, one per port (``ChatClient``: ``FakeChat``; the
spoken-language identifier: ``FakeLanguageID``)."""
