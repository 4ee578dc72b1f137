"""Understanding models: sentence embeddings found, verified and run like the speech models."""
