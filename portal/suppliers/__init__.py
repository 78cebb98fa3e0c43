"""The network's supplier register: one record per firm, however partners spell it."""
