"""Local market gap analysis for the network lead: where spend leaves the area, against local supply."""
