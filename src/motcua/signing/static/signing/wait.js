// The wait for a remote signature: the page asks the service on each load; reload every 5 s.
setTimeout(function () { window.location.reload(); }, 5000);
