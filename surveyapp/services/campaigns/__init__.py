"""Ad-hoc survey campaigns on a stratified random sample of dossiers (issue 16, docs/CAMPAIGNS.md)."""
