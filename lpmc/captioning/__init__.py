"""Audio → caption: LP-MusicCaps (lp_music_caps/) and the built-in captioner, chunked over whole songs."""
