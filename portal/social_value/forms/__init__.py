"""Forms for the social value pages, one module per part: catalogue, contracts, delivery, targets."""
