// Counter intake: fill the applicant from an earlier dossier when a known citizen ID is typed,
// and hide the owner fields while the owner is the applicant. Works without it, too.
(function () {
  var script = document.currentScript;
  var lookupUrl = script && script.dataset.lookupUrl;
  var idInput = document.getElementById("id_applicant_citizen_id");
  var status = document.getElementById("prefill-status");
  function fillIfEmpty(id, value) {
    var input = document.getElementById(id);
    if (input && !input.value && value) { input.value = value; }
  }
  function lookup() {
    var value = (idInput.value || "").replace(/\s+/g, "");
    if (!/^\d{12}$/.test(value) || !lookupUrl) { return; }
    fetch(lookupUrl + "?citizen_id=" + encodeURIComponent(value), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || !data.found) { status.textContent = (data && data.message) || ""; return; }
        fillIfEmpty("id_applicant_name", data.name);
        fillIfEmpty("id_applicant_phone", data.phone);
        fillIfEmpty("id_applicant_email", data.email);
        fillIfEmpty("id_applicant_address", data.address);
        status.textContent = data.message || "";
      });
  }
  if (idInput) {
    idInput.addEventListener("change", lookup);
    idInput.addEventListener("blur", lookup);
  }
  var same = document.getElementById("id_owner_same");
  var owner = document.getElementById("owner-fields");
  function toggleOwner() { if (same && owner) { owner.hidden = same.checked; } }
  if (same) { same.addEventListener("change", toggleOwner); toggleOwner(); }
})();
