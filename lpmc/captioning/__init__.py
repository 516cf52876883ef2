"""Audio → caption: LP-MusicCaps (lpmc_bart) and the built-in captioner, chunked over whole songs."""
