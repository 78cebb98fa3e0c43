"""The supply-chain funnel: registered, matched, interested, bid, won, and the value local SMEs and VCSEs won."""
