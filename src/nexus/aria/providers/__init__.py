"""Who writes ARIA's answers: an OpenAI-compatible model, or the offline bank-based tutor."""
