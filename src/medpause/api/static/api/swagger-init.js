/* The API's interactive docs (/api/v1/docs): Swagger UI from the service's own static files,
   started by this file rather than an inline script (the page runs under the strict Content
   Security Policy). The OpenAPI document's address comes from the page's data attribute. */
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
    layout: "BaseLayout",
    deepLinking: true,
    validatorUrl: null // never send the document to an outside validator
  });
}());
