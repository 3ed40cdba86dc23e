/**
 * Every text of the website, in French (Québec, first) and English. The field labels are the
 * seed's: they are the contract with the website team.
 */
export type Language = "fr" | "en";

const fr = {
  htmlTitle: "Inscription aux Services en ligne — Cablevision",
  siteName: "Services en ligne",
  skip: "Aller au contenu",
  nav: "Services en ligne",
  switchTo: "English",
  switchLanguage: "en" as Language,
  navEnroll: "Inscription",
  navSignIn: "Connexion",
  navAccount: "Mon dossier",
  signOut: "Se déconnecter",
  // Enrollment
  enrollTitle: "Inscription aux Services en ligne",
  enrollIntro: [
    "Inscrivez-vous aux Services en ligne : chaque mois, quelques jours après votre date de facturation, un courriel vous avise que votre facture est disponible. Vous la consultez gratuitement à l'écran et l'imprimez au besoin. Finies les factures papier. La facture électronique n'est émise que si le solde de votre compte n'est pas au crédit.",
    "Vous pouvez aussi consulter votre contrat en ligne, de façon sécuritaire.",
    "Remplissez l'un des deux formulaires, selon que vous avez votre facture papier ou non. Vous créerez ainsi votre profil d'authentification, qui protège votre dossier.",
  ],
  enrollHelp: (phone: string) =>
    `Si vous éprouvez de la difficulté avec votre inscription, appelez notre service à la clientèle au ${phone}.`,
  withBillTitle: "J'ai ma facture papier",
  withBillIntro:
    "Entrez votre numéro de client et le code d'accès imprimés sur votre dernière facture papier.",
  withoutBillTitle: "Je n'ai pas ma facture papier",
  withoutBillIntro:
    "Donnez-nous quelques renseignements : nous les comparons à ceux de votre compte dans notre système.",
  customerNumber: "Numéro de client",
  customerNumberHelp:
    "Les 7 chiffres inscrits en haut de votre facture papier, sous « No de compte ». Chiffres seulement.",
  accessCode: "Code d'accès",
  accessCodeHelp:
    "Les 5 chiffres imprimés complètement à droite, à côté de votre numéro de compte, dans la case de l'adresse de service, vers le milieu de la page.",
  phone: "Numéro de téléphone",
  phoneHelp: "Votre numéro avec l'indicatif régional, en chiffres seulement (10 chiffres).",
  postalCode: "Code postal",
  postalCodeHelp: "Votre code postal, sans espace (par exemple J4K1A1).",
  lastDebitAmount: "Dernier montant",
  lastDebitAmountHelp:
    "Le dernier montant débité de votre compte bancaire pour votre facture : voyez votre relevé bancaire, papier ou en ligne.",
  verify: "Continuer",
  // Step-up
  codeTitle: "Entrez le code reçu par courriel",
  codeIntro:
    "Par prudence, nous avons envoyé un code de 6 chiffres à l'adresse de courriel inscrite à votre compte, si les renseignements donnés correspondent à votre compte. Le code est valide 15 minutes.",
  code: "Code de vérification",
  codeHelp: "Les 6 chiffres du courriel.",
  submitCode: "Valider le code",
  // Profile
  profileTitle: "Créez votre profil",
  profileIntro:
    "Votre compte est vérifié. Choisissez l'adresse de courriel et le mot de passe de votre profil.",
  email: "Adresse de courriel",
  emailHelp: "Vous recevrez un lien pour confirmer cette adresse. Elle sert aussi à vous connecter.",
  password: "Mot de passe",
  passwordHelp: "Au moins 10 caractères.",
  createProfile: "Créer mon profil",
  mailboxTitle: "Vérifiez votre boîte de courriel",
  mailbox: (email: string) =>
    `Nous avons envoyé un lien de confirmation à ${email}. Ouvrez-le dans les 24 heures pour activer votre profil et recevoir vos factures électroniques.`,
  // Confirmation
  confirmTitle: "Confirmation de votre adresse",
  confirming: "Confirmation en cours…",
  confirmed: "Votre profil est actif. Vos factures sont maintenant électroniques.",
  confirmNoToken: "Ce lien de confirmation est incomplet. Ouvrez le lien reçu par courriel.",
  goSignIn: "Se connecter",
  // Sign-in
  signInTitle: "Connexion aux Services en ligne",
  signIn: "Se connecter",
  signInFailed: "Adresse de courriel ou mot de passe incorrect.",
  notEnrolled: "Pas encore inscrit ?",
  closedNotice: "Votre profil est fermé. Vous recevrez désormais vos factures papier.",
  signedOutNotice: "Vous êtes déconnecté.",
  // Account
  accountTitle: "Mon dossier",
  profileSection: "Mon profil",
  billingPreference: "Mode de facturation",
  billingElectronic: "Factures électroniques",
  billingPaper: "Factures papier",
  saveBilling: "Enregistrer le mode de facturation",
  billingSaved: (electronic: boolean): string =>
    electronic
      ? "Vous recevez maintenant vos factures électroniques."
      : "Vous recevrez maintenant vos factures papier.",
  languageLabel: "Langue de correspondance",
  billsSection: "Mes factures",
  noBills: "Aucune facture pour le moment.",
  billingDate: "Date de facturation",
  dueDate: "Date d'échéance",
  amountDue: "Montant dû",
  balance: "Solde",
  document: "Document",
  print: (date: string) => `Imprimer la facture du ${date}`,
  printShort: "Imprimer",
  noDocument: "Non disponible",
  moreBills: "Afficher les factures plus anciennes",
  contractSection: "Mon contrat",
  noContract: "Aucun contrat au dossier.",
  contractId: "Numéro de contrat",
  startDate: "Début",
  endDate: "Fin",
  noEndDate: "Sans date de fin",
  service: "Service",
  monthlyPrice: "Prix mensuel",
  printContract: "Imprimer le contrat",
  dataSection: "Mes données",
  exportIntro: "Téléchargez toutes les données personnelles que nous détenons à votre sujet (fichier JSON).",
  exportButton: "Télécharger mes données",
  exportDone: "Le fichier de vos données est téléchargé.",
  closeSection: "Fermer mon profil",
  closeIntro:
    "Votre profil des Services en ligne sera supprimé et vous recevrez de nouveau vos factures papier. Vous pourrez vous inscrire de nouveau plus tard.",
  closeButton: "Fermer mon profil",
  closeConfirm: "Oui, fermer mon profil",
  closeCancel: "Annuler",
  closeQuestion: "Voulez-vous vraiment fermer votre profil ?",
  customerLabel: "Numéro de client",
  emailLabel: "Courriel",
  // Failures
  unreachable: (phone: string) =>
    `Le service est injoignable pour le moment. Réessayez plus tard ou appelez notre service à la clientèle au ${phone}.`,
  retryAt: (time: string, minutes: number) =>
    `Vous pourrez réessayer à ${time} (dans ${minutes} minute${minutes > 1 ? "s" : ""}).`,
  sessionEnded: "Votre session est terminée. Connectez-vous de nouveau.",
  loading: "Chargement…",
};

export type Texts = typeof fr;

const en: Texts = {
  htmlTitle: "Online services enrollment — Cablevision",
  siteName: "Online services",
  skip: "Skip to content",
  nav: "Online services",
  switchTo: "Français",
  switchLanguage: "fr",
  navEnroll: "Enroll",
  navSignIn: "Sign in",
  navAccount: "My account",
  signOut: "Sign out",
  enrollTitle: "Enroll in online services",
  enrollIntro: [
    "Enroll in online services: every month, a few days after your billing date, an e-mail tells you that your bill is available. You read it on screen for free and print it if you need to. No more paper bills. An electronic bill is issued only when your account balance is not in credit.",
    "You can also read your contract online, securely.",
    "Fill in one of the two forms, depending on whether you have your paper bill. This creates your authentication profile, which protects your account.",
  ],
  enrollHelp: (phone: string) => `If you have trouble enrolling, call our customer service at ${phone}.`,
  withBillTitle: "I have my paper bill",
  withBillIntro: "Enter the customer number and the access code printed on your latest paper bill.",
  withoutBillTitle: "I don't have my paper bill",
  withoutBillIntro: "Give us a few details: we compare them with those of your account in our system.",
  customerNumber: "Customer number",
  customerNumberHelp: "The 7 digits at the top of your paper bill, under “No de compte”. Digits only.",
  accessCode: "Access code",
  accessCodeHelp:
    "The 5 digits printed at the far right, next to your account number, in the service address box, around the middle of the page.",
  phone: "Phone number",
  phoneHelp: "Your number with the area code, digits only (10 digits).",
  postalCode: "Postal code",
  postalCodeHelp: "Your postal code, without a space (for example J4K1A1).",
  lastDebitAmount: "Last amount debited",
  lastDebitAmountHelp:
    "The last amount taken from your bank account for your bill: see your bank statement, on paper or online.",
  verify: "Continue",
  codeTitle: "Enter the code we e-mailed you",
  codeIntro:
    "To be safe, we sent a 6-digit code to the e-mail address on file for your account, if the details you gave match your account. The code is valid for 15 minutes.",
  code: "Verification code",
  codeHelp: "The 6 digits from the e-mail.",
  submitCode: "Check the code",
  profileTitle: "Create your profile",
  profileIntro: "Your account is verified. Choose the e-mail address and the password of your profile.",
  email: "E-mail address",
  emailHelp: "You will receive a link to confirm this address. You also sign in with it.",
  password: "Password",
  passwordHelp: "At least 10 characters.",
  createProfile: "Create my profile",
  mailboxTitle: "Check your mailbox",
  mailbox: (email: string) =>
    `We sent a confirmation link to ${email}. Open it within 24 hours to activate your profile and get your bills electronically.`,
  confirmTitle: "Confirming your address",
  confirming: "Confirming…",
  confirmed: "Your profile is active. Your bills are now electronic.",
  confirmNoToken: "This confirmation link is incomplete. Open the link from the e-mail.",
  goSignIn: "Sign in",
  signInTitle: "Sign in to online services",
  signIn: "Sign in",
  signInFailed: "Incorrect e-mail address or password.",
  notEnrolled: "Not enrolled yet?",
  closedNotice: "Your profile is closed. You will get paper bills from now on.",
  signedOutNotice: "You are signed out.",
  accountTitle: "My account",
  profileSection: "My profile",
  billingPreference: "Billing",
  billingElectronic: "Electronic bills",
  billingPaper: "Paper bills",
  saveBilling: "Save the billing choice",
  billingSaved: (electronic: boolean): string =>
    electronic ? "You now get electronic bills." : "You will now get paper bills.",
  languageLabel: "Language of correspondence",
  billsSection: "My bills",
  noBills: "No bills yet.",
  billingDate: "Billing date",
  dueDate: "Due date",
  amountDue: "Amount due",
  balance: "Balance",
  document: "Document",
  print: (date: string) => `Print the bill of ${date}`,
  printShort: "Print",
  noDocument: "Not available",
  moreBills: "Show older bills",
  contractSection: "My contract",
  noContract: "No contract on file.",
  contractId: "Contract number",
  startDate: "Start",
  endDate: "End",
  noEndDate: "No end date",
  service: "Service",
  monthlyPrice: "Monthly price",
  printContract: "Print the contract",
  dataSection: "My data",
  exportIntro: "Download all the personal information we hold about you (a JSON file).",
  exportButton: "Download my data",
  exportDone: "The file of your data is downloaded.",
  closeSection: "Close my profile",
  closeIntro:
    "Your online services profile will be deleted and you will get paper bills again. You may enroll again later.",
  closeButton: "Close my profile",
  closeConfirm: "Yes, close my profile",
  closeCancel: "Cancel",
  closeQuestion: "Do you really want to close your profile?",
  customerLabel: "Customer number",
  emailLabel: "E-mail",
  unreachable: (phone: string) =>
    `The service cannot be reached right now. Try again later or call our customer service at ${phone}.`,
  retryAt: (time: string, minutes: number) =>
    `You may try again at ${time} (in ${minutes} minute${minutes > 1 ? "s" : ""}).`,
  sessionEnded: "Your session has ended. Please sign in again.",
  loading: "Loading…",
};

const texts: Record<Language, Texts> = { fr, en };
const STORAGE_KEY = "language";

/** The language the visitor chose last (remembered in this browser), French by default. */
export function currentLanguage(): Language {
  return localStorage.getItem(STORAGE_KEY) === "en" ? "en" : "fr";
}

export function rememberLanguage(language: Language): void {
  localStorage.setItem(STORAGE_KEY, language);
}

export function t(): Texts {
  return texts[currentLanguage()];
}

/** Dates and times as a reader of the language writes them (Québec French, Canadian English). */
export function locale(): string {
  return currentLanguage() === "en" ? "en-CA" : "fr-CA";
}

/** An amount of the API ("84.37") in dollars, as the language writes it ("84,37 $", "$84.37"). */
export function money(amount: string): string {
  return new Intl.NumberFormat(locale(), { style: "currency", currency: "CAD" }).format(Number(amount));
}

/** A date of the API (YYYY-MM-DD), spelled out: "20 novembre 2026", "November 20, 2026". */
export function longDate(date: string): string {
  // Noon UTC: the same calendar day in every time zone of the Americas.
  return new Intl.DateTimeFormat(locale(), { dateStyle: "long", timeZone: "UTC" }).format(
    new Date(`${date}T12:00:00Z`),
  );
}
