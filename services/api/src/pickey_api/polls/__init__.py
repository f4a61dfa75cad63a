"""Polls: a poll post's options, one vote per fan, results shown as the creator chose."""
