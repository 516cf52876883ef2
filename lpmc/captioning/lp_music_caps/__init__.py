"""LP-MusicCaps (Doh et al., ISMIR 2023): 10 s chunks of 16 kHz audio -> captions.

frontend.py   audio -> log-mel -> conv embeddings (the model's input format: SAMPLE_RATE, CHUNK_SECONDS)
model.py      the nn.Module: front end + BART-base, encode and generate_ids
search.py     one-token decoder steps with a key/value cache, greedy and beam search (transformers 4.26.1)
packing.py    decoder Linear layers packed once for oneDNN
checkpoint.py build_model, strict checkpoint loading, the tokenizer, and the registry loader
captioner.py  model + tokenizer as lpmc's AudioCaptioner: a song's chunks -> captions
"""
