"""The printed plan: HTML from templates/plans/pdf/, rendered by WeasyPrint in a fenced process."""
