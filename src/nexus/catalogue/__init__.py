"""The public catalogue: offers with their legal prices and the teachers, without signing in."""
