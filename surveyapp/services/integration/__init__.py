"""The one-stop software's API: clients, dossiers, volumes (issue 15)."""
