"""Weekly schedules: local wall-clock times in IANA zones, the words people type for them, the
stored schedules of channels, and firing each due one exactly once across processes."""
