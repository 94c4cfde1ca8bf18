// Placeholder entry point; the DevHost is built in its own step.
return 0;
