// Start GOV.UK Frontend's components; everything works without this file too.
import { initAll } from "/assets/govuk-frontend.min.js";
initAll();
