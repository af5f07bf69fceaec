"""Tests of toolkit.content, with good/ and bad/ content files."""
