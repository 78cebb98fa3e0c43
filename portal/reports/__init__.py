"""The annual report a partner or the network takes to scrutiny, in every format, from the features' services."""
