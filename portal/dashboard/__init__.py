"""The partner's spend dashboard and the public network summary: figures, charts and downloads."""
