"""Pure domain logic: policy parameters and the rules that use them. No Django imports here."""
