"""The OECD principles as data, their schema, and the matcher that searches them."""
