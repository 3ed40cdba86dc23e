import type { Section } from "../../../bench/section";

export const section: Section = {
  name: "failing",
  title: "a section that fails",
  async run() {
    throw new Error("this section fails on purpose");
  },
};
