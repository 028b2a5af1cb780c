// The e-request form adapts to the kind of application: only the delivery methods the kind allows are offered,
// and the postal address is asked for only when the answer goes by post. The server keeps the same rules.
(function () {
  "use strict";
  var form = document.getElementById("erequest-form");
  var data = document.getElementById("delivery-by-type");
  if (!form || !data) return;
  var byType = JSON.parse(data.textContent);
  var typeSelect = form.querySelector("#id_type");
  var addressBlock = document.getElementById("postal-address-block");

  function showAddress() {
    var post = form.querySelector('input[name="delivery_method"][value="post"]');
    addressBlock.hidden = !(post && post.checked && !post.disabled);
  }

  function offerMethods() {
    var allowed = byType[typeSelect.value];
    form.querySelectorAll(".delivery-choice").forEach(function (choice) {
      var input = choice.querySelector("input");
      var ok = !allowed || allowed.indexOf(choice.dataset.method) !== -1;
      choice.hidden = !ok;
      input.disabled = !ok;
      if (!ok) input.checked = false;
    });
    showAddress();
  }

  typeSelect.addEventListener("change", offerMethods);
  form.querySelectorAll('input[name="delivery_method"]').forEach(function (input) {
    input.addEventListener("change", showAddress);
  });
  offerMethods();
})();
