// Counter intake: fill the applicant from an earlier dossier when a known citizen ID is typed,
// offer the person's stored documents for re-use, and hide the owner fields while the owner is
// the applicant. The page works without it (the "find stored documents" button posts the form).
(function () {
  var script = document.currentScript;
  var data = (script && script.dataset) || {};
  var lookupUrl = data.lookupUrl;
  var idInput = document.getElementById("id_applicant_citizen_id");
  var ownerIdInput = document.getElementById("id_owner_citizen_id");
  var status = document.getElementById("prefill-status");
  var storeStatus = document.getElementById("store-status");
  var same = document.getElementById("id_owner_same");
  function fillIfEmpty(id, value) {
    var input = document.getElementById(id);
    if (input && !input.value && value) { input.value = value; }
  }
  function typedId(input) {
    var value = ((input && input.value) || "").replace(/\s+/g, "");
    return /^\d{12}$/.test(value) ? value : "";
  }
  function lookup() {
    var value = typedId(idInput);
    if (!value || !lookupUrl) { return; }
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
  // The store offered is the owner's: the applicant's unless the owner is someone else.
  function storeId() {
    return (same && !same.checked && typedId(ownerIdInput)) || typedId(idInput);
  }
  function fillCell(cell, docs) {
    var pk = cell.dataset.reuseDoc;
    var old = cell.querySelector("input[type=checkbox]");
    var wasChecked = !!(old && old.checked);
    cell.textContent = "";
    if (!docs.length) { return; }
    var label = document.createElement("label");
    var box = document.createElement("input");
    box.type = "checkbox"; box.name = "doc_" + pk + "_reuse"; box.id = "id_doc_" + pk + "_reuse"; box.checked = wasChecked;
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + (data.reuseLabel || "")));
    var select = document.createElement("select");
    select.name = "doc_" + pk + "_stored";
    select.setAttribute("aria-label", (data.storeLabel || "") + ": " + (cell.dataset.docName || ""));
    var name = (cell.dataset.docName || "").toLowerCase();
    docs.forEach(function (doc) {
      var option = document.createElement("option");
      option.value = doc.id; option.textContent = doc.label;
      var kind = (doc.kind || "").toLowerCase();
      if (kind && (kind.indexOf(name) >= 0 || name.indexOf(kind) >= 0) && !select.dataset.matched) {
        option.selected = true; select.dataset.matched = "1";
      }
      select.appendChild(option);
    });
    cell.appendChild(label);
    cell.appendChild(document.createTextNode(" "));
    cell.appendChild(select);
  }
  function lookupStore() {
    var value = storeId();
    if (!value || !data.storeUrl) { return; }
    fetch(data.storeUrl + "?citizen_id=" + encodeURIComponent(value), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (found) {
        if (!found) { return; }
        var cells = document.querySelectorAll("td[data-reuse-doc]");
        Array.prototype.forEach.call(cells, function (cell) { fillCell(cell, found.documents); });
        if (storeStatus) { storeStatus.textContent = (data.storeFound || "").replace("{n}", found.documents.length); }
      });
  }
  [idInput, ownerIdInput].forEach(function (input) {
    if (!input) { return; }
    input.addEventListener("change", lookupStore);
  });
  if (idInput) {
    idInput.addEventListener("change", lookup);
    idInput.addEventListener("blur", lookup);
  }
  // The owner as a business: its name and head office from the business registry by tax code; a
  // suspended or dissolved business is shown as such (an alert), the officer decides.
  var taxInput = document.getElementById("id_owner_tax_code");
  var businessButton = document.getElementById("business-lookup");
  var businessStatus = document.getElementById("business-status");
  function add(parent, tag, text, className) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    if (className) { node.className = className; }
    parent.appendChild(node);
    return node;
  }
  function lookupBusiness() {
    var value = ((taxInput && taxInput.value) || "").replace(/\s+/g, "");
    if (!value || !data.businessUrl || !businessStatus) { return; }
    fetch(data.businessUrl + "?tax_code=" + encodeURIComponent(value), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (found) {
        businessStatus.textContent = "";
        if (!found.found) { add(businessStatus, "p", found.detail || found.message || "", found.detail ? "errors" : "muted"); return; }
        var name = document.getElementById("id_owner_name");
        var address = document.getElementById("id_owner_address");
        if (name) { name.value = found.name; }
        if (address) { address.value = found.address; }
        if (found.warning) {
          var alert = add(businessStatus, "p", found.warning, "errors business-warning");
          alert.setAttribute("role", "alert");
        }
        var list = add(businessStatus, "dl", "", "summary");
        add(list, "dt", data.statusLabel || "");
        add(list, "dd", found.status_label + (found.enterprise_type ? " · " + found.enterprise_type : ""), found.is_active ? "" : "errors");
        add(list, "dt", data.representativesLabel || "");
        add(list, "dd", found.representatives.map(function (p) { return p.name + " (" + p.title + ")"; }).join("; "));
        add(list, "dt", data.linesLabel || "");
        add(list, "dd", found.business_lines.map(function (b) { return b.code + " " + b.name; }).join("; "));
        add(businessStatus, "p", found.message || "", "muted");
      })
      .catch(function () { businessStatus.textContent = ""; });
  }
  if (businessButton && taxInput) {
    businessButton.hidden = false;
    businessButton.addEventListener("click", lookupBusiness);
    taxInput.addEventListener("change", lookupBusiness);
  }
  var owner = document.getElementById("owner-fields");
  function toggleOwner() { if (same && owner) { owner.hidden = same.checked; } }
  if (same) {
    same.addEventListener("change", function () { toggleOwner(); lookupStore(); });
    toggleOwner();
  }
})();
