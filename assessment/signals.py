"""What the assessment app announces; higher apps (reports) listen instead of being called."""

from django.dispatch import Signal

# Sent with ``assessment=<Assessment>`` inside the transaction that closes the round, so that
# whatever a listener keeps about the closed round commits, or rolls back, with the close.
round_closed = Signal()

# Sent with ``assessment=<Assessment>`` inside the transaction that reopens a closed round:
# what listeners kept about it as closed (results for comparison, rendered PDFs) is withdrawn.
round_reopened = Signal()
