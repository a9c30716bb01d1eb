// Starts Swagger UI on /api/docs over the served OpenAPI document. It is a
// file of its own because the page's Content-Security-Policy runs no inline
// script.
window.addEventListener("DOMContentLoaded", function () {
  window.ui = SwaggerUIBundle({
    url: "/api/v1/openapi.json",
    dom_id: "#docs",
    deepLinking: true,
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    // The page talks to this desk only; no validator badge calls out.
    validatorUrl: null,
    // Keep a token typed into Authorize for this tab.
    persistAuthorization: false,
  });
});
