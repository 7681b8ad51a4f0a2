"""The panel cycle: a snapshot per meeting, the direction of travel since one, and the gaps the panel
has accepted."""
