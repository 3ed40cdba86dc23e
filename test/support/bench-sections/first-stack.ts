import { endpointSection } from "./endpoint-section";

export const section = endpointSection("first-stack", 1111);
