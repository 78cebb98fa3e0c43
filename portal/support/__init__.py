"""Support given to businesses, events and attendance, conduit partners, and VCSEs' own asks."""
