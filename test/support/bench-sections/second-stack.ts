import { endpointSection } from "./endpoint-section";

export const section = endpointSection("second-stack", 2222);
