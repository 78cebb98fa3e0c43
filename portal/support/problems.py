class SupportProblem(ValueError):
    """Something the person asked for cannot be done; the message says why, in their words."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field
