class GrantProblem(ValueError):
    """A grant that cannot be saved as given; ``field`` names the form field to show it on."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field
