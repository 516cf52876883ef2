"""Playlist descriptions: what a set of songs shares, and a blurb and a title for it.

sources.py    files, folders and .m3u/.m3u8 playlists -> the songs
profile.py    one song's styles, instruments, voices, moods and tempo; what a playlist's songs share
describe.py   hearing every song, the blurb (tags -> caption backends) and a title
cli.py        `python -m lpmc describe-playlist PATHS... [--json]`
"""
