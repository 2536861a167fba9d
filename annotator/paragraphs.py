"""Splitting imported text into paragraphs without changing a character of what is kept."""


def split_plain_text(text: str) -> list[str]:
    """Split text into paragraphs: one per line, dropping blank lines.

    Lines are kept exactly (no strip, no Unicode normalisation) so offsets match the source.
    """
    return [line for line in text.splitlines() if line.strip()]
