export const TEMPLATE_DATABASE = "saas_test_template";
