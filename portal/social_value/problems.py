"""The one error social value services raise for things a person can fix."""


class SocialValueProblem(ValueError):
    """The request cannot be done as asked; the message says why, in the user's words."""
