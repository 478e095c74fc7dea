"""ARIA, the AI tutor: conversations grounded in the content bank, online or offline."""
