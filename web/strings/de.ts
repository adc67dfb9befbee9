/**
 * @module strings/de
 * Deutsch. The risk control's sentences say exactly what the English ones say (promise.ts holds
 * the English to the math; strings.test.ts holds these to the same figures).
 */
import type { RiskPromise } from '../../core/decision/promise.js';
import type { WidgetStrings } from './en.js';

const percent = (x: number) => `${Math.round(x * 100)} %`;
const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

function promise(p: RiskPromise): ReturnType<WidgetStrings['promise']> {
  if (p.guarantee === 'selective') {
    const confidence = p.delta === null ? '' : ` (mit ${percent(1 - p.delta)} Sicherheit)`;
    return {
      label: 'Von den Antworten auf diesem Gerät: wie viele dürfen schlechter sein',
      option: (a) => `höchstens ${percent(a)}`,
      help: 'Von den Antworten, die dieses Gerät gibt, der Anteil, der schlechter sein darf als die des größeren Modells. Niedriger ist sicherer und schickt mehr an den Server.',
      statement: (a) =>
        `Von den Antworten auf diesem Gerät sind höchstens ${percent(a)} schlechter als die Antwort des größeren Modells${confidence}.`,
      summary: `Von den Antworten auf diesem Gerät ist höchstens der gewählte Anteil schlechter als die Antwort des größeren Modells${confidence}.`,
    };
  }
  return {
    label: 'Von allen Nachrichten: wie viele dürfen hier schlechter beantwortet werden',
    option: (a) => `höchstens ${percent(a)}`,
    help: 'Gezählt über alle Nachrichten, ob hier beantwortet oder nicht: der Anteil, den dieses Gerät beantwortet und das größere Modell besser beantwortet hätte. Niedriger ist sicherer.',
    statement: (a) =>
      `Von allen Nachrichten werden im Mittel höchstens ${percent(a)} auf diesem Gerät beantwortet und sind schlechter als die Antwort des größeren Modells.`,
    summary:
      'Von allen Nachrichten wird im Mittel höchstens der gewählte Anteil auf diesem Gerät beantwortet und ist schlechter als die Antwort des größeren Modells.',
  };
}

export const de: WidgetStrings = {
  welcome: 'Fragen Sie, was Sie möchten.',
  welcomeLocal: 'Kurze, einfache Nachrichten beantwortet direkt Ihr Gerät.',
  conversation: 'Unterhaltung',
  assistantName: 'Assistent',
  userName: 'Sie',
  suggested: 'Vorschläge',
  answeredHere: 'Auf diesem Gerät beantwortet',
  answeredBy: (model) => `Beantwortet von ${model}`,
  theServer: 'dem Server',
  tooLongHere: 'zu lang für eine Antwort auf diesem Gerät',
  details: 'Details',
  offlineLocalNote:
    'Auf diesem Gerät beantwortet, während der Server nicht erreichbar war – unter Ihrem Qualitätsziel.',
  droppedNote: (n) =>
    `Das Modell auf dem Gerät hat nur den letzten Teil dieser Unterhaltung gelesen (${n} ${plural(n, 'frühere Nachricht passte', 'frühere Nachrichten passten')} nicht hinein).`,
  contextNote: 'Zu lang für das Modell auf dem Gerät, deshalb hat der Server geantwortet.',
  stoppedEmpty: 'Angehalten, bevor Text kam.',
  emptyAnswer: 'Das Modell hat auf diese Nachricht keinen Text geliefert. Formulieren Sie sie bitte anders.',
  cutOff: 'An der Längengrenze abgeschnitten.',
  stopped: 'Angehalten.',
  copy: 'Kopieren',
  copied: 'Kopiert',
  copyCode: 'Code kopieren',
  copyFailed: 'Kopieren fehlgeschlagen',
  copiedSaid: 'In die Zwischenablage kopiert.',
  copyFailedSaid: 'Der Browser hat das Kopieren nicht erlaubt.',
  askEdgeLater: 'Den Server fragen, sobald er wieder erreichbar ist',
  askLarger: 'Nicht gut genug? Das größere Modell fragen',
  continue: 'Weiter',
  continuePrompt: 'Bitte fahre fort.',
  askAgain: 'Neu antworten',
  askAgainLabel: 'Neu antworten: eine neue Antwort auf Ihre letzte Nachricht',
  edit: 'Bearbeiten',
  editLabel: 'Ihre letzte Nachricht bearbeiten',
  editSaid: 'Ihre letzte Nachricht steht wieder im Eingabefeld.',
  waiting: 'Warte, bis das Modell bereit ist …',
  unsent: 'Nicht gesendet.',
  queued: 'In der Warteschlange: wird gesendet, sobald der Server erreichbar ist.',
  cancel: 'Abbrechen',
  retry: 'Erneut versuchen',
  somethingWrong: 'Etwas ist schiefgegangen.',
  errors: {
    edge_unreachable: 'Der Server war nicht erreichbar.',
    edge_error: 'Der Server konnte nicht antworten.',
    edge_cors_refused: 'Diese Website darf ihren Chat-Server nicht nutzen (eine Einstellung auf dem Server).',
    edge_stream_error: 'Die Antwort des Servers ist abgebrochen.',
    asset_unreachable: 'Ein Teil des Chats konnte nicht geladen werden.',
    context_window_exceeded: 'Diese Nachricht ist zu lang für das Modell auf dem Gerät. Bitte kürzen Sie sie.',
    engine_not_ready: 'Das Modell auf dem Gerät ist nicht verfügbar.',
    aborted: 'Das Laden wurde abgebrochen.',
    invalid_request: 'Diese Anfrage war ungültig.',
  },
  httpNotSignedIn: 'Der Server hat diesen Chat abgelehnt: er ist nicht angemeldet.',
  httpBusy: 'Der Server hat gerade zu viele Anfragen. Versuchen Sie es gleich noch einmal.',
  httpRefused: 'Der Server konnte diese Nachricht nicht annehmen.',
  httpFailed: 'Beim Server ist ein Problem aufgetreten. Versuchen Sie es gleich noch einmal.',
  httpOther: (status) => `Der Server konnte nicht antworten (Fehler ${status}).`,
  announceAnswer: (who, text) => `${who}: ${text}`,
  newMessages: 'Neue Nachrichten unten ↓',

  yourMessage: 'Ihre Nachricht',
  placeholder: 'Nachricht eingeben',
  send: 'Senden',
  stop: 'Anhalten',
  typeFirst: 'Geben Sie zuerst eine Nachricht ein.',

  attach: 'Eine Textdatei anhängen',
  attachedFiles: 'Angehängte Dateien',
  remove: 'Entfernen',
  removeFile: (name) => `${name} entfernen`,
  attachedSaid: (names) => (names ? `Angehängt: ${names}.` : 'Keine Datei angehängt.'),
  notText: (name) => `${name} ist keine Textdatei und wurde nicht angehängt.`,
  tooLarge: (name) => `${name} ist zu lang für diese Nachricht und wurde nicht angehängt.`,

  tallyLocal: (local, prompts) => `Auf diesem Gerät beantwortet: ${local} von ${prompts}`,
  tallyTokens: (tokens) => `${tokens} Tokens nicht an den Server geschickt`,
  tallySaved: (seconds) => `etwa ${seconds.replace('.', ',')} s gespart`,
  clear: 'Unterhaltung löschen',
  cleared: 'Unterhaltung gelöscht.',
  undo: 'Rückgängig',
  clearedSaid: 'Unterhaltung gelöscht. „Rückgängig“ steht einige Sekunden lang unten.',
  restoredSaid: 'Unterhaltung wiederhergestellt.',

  offline:
    'Sie sind offline. Nachrichten, die das Gerät beantworten kann, werden hier beantwortet; die anderen warten.',
  edgeUnreachable: 'Der Server ist gerade nicht erreichbar.',
  waitingToSend: (n) => `${n} ${plural(n, 'Nachricht wartet', 'Nachrichten warten')} auf den Versand.`,
  tryNow: 'Jetzt versuchen',
  quarantined: (reason) => `eine wartende Nachricht konnte nicht gelesen werden und wurde beiseitegelegt (${reason})`,
  newVersion: 'Eine neue Version ist verfügbar.',
  reloadToUpdate: 'Neu laden',
  storageFull:
    'Dieser Browser hat für diese Website zu wenig Platz, daher wird das Modell beim nächsten Besuch erneut geladen.',
  storageModel: 'Dieser Browser konnte das Modell nicht behalten, daher wird es beim nächsten Besuch erneut geladen.',
  storageThresholds:
    'Dieser Browser konnte die Antwort-Einstellungen nicht behalten, daher werden sie beim nächsten Besuch erneut geladen.',
  storageOther: 'Dieser Browser konnte einige Dateien nicht für das nächste Mal behalten.',

  loadsOnTyping: 'Das Modell auf dem Gerät lädt, sobald Sie zu tippen beginnen.',
  starting: 'Startet …',
  gettingReady: 'Das Modell auf dem Gerät wird vorbereitet',
  progressOf: (percent, size) => `${percent} % von ${size}`,
  loadingLabel: 'Das Modell auf dem Gerät wird geladen',
  notReady: 'Das Modell auf dem Gerät ist nicht bereit (siehe unten).',
  oneThread: ' Es läuft hier auf einem Thread, daher kommen seine Antworten langsam.',
  readyEdge: 'Bereit. Jede Nachricht geht an den Server.',
  readyLocalOnly: (backend) =>
    `Bereit. Ein kleines Modell auf diesem Gerät (${backend}) beantwortet jede Nachricht; nichts prüft seine Antworten vorher.`,
  notCheckedOwn:
    'Das Modell auf dem Gerät wurde nicht an seinen eigenen Antworten geprüft, daher geht jede Nachricht an den Server.',
  couldNotStart: 'Das Modell auf dem Gerät konnte hier nicht starten, daher geht jede Nachricht an den Server.',
  notGoodEnough:
    'Bereit. Das kleine Modell auf diesem Gerät war bei den Prüfbeispielen nicht gut genug, daher geht jede Nachricht an den Server.',
  readyRouted: (backend) =>
    `Bereit. Ein kleines Modell auf diesem Gerät (${backend}) antwortet, wenn es das sicher kann; andere Nachrichten gehen an den Server.`,

  howChosen: 'Wie Antworten gewählt werden',
  answerSettings: 'Antwort-Einstellungen',
  tradeoff: 'Günstiger',
  tradeoffBetter: 'Besser',
  cheapest: 'am günstigsten',
  best: 'beste Antworten',
  balanced: 'ausgewogen',
  tradeoffHelp: 'Günstiger beantwortet mehr auf diesem Gerät; besser schickt mehr an das größere Modell.',
  nothingCertified:
    'Jede Nachricht geht an das größere Modell: das Modell dieses Geräts war bei den Prüfbeispielen für keine dieser Stufen gut genug.',
  uncertified:
    'Bei dieser Einstellung geht jede Nachricht an das größere Modell: es gab zu wenige gute Beispiele, um sie zuzusagen.',
  promise,
  adjusted: 'Aus Rückmeldungen angepasst',
  reported: (n) => `${n} ${plural(n, 'Antwort', 'Antworten')} als nicht gut genug gemeldet`,
  shadowChecked: 'Prüfungen mit dem größeren Modell',
  and: 'und',
  answersLess: 'dieses Gerät antwortet jetzt seltener als anfangs',
  answersMore: 'dieses Gerät antwortet jetzt häufiger als anfangs',
  noChange: 'noch keine Änderung',
  drift: (checked, better, pct, target, over) =>
    `${checked} ${plural(checked, 'Antwort', 'Antworten')} mit dem größeren Modell geprüft; es war bei ${better} besser. Geschätzter Anteil schlechterer Antworten: etwa ${pct} % der Nachrichten (${over ? 'über' : 'innerhalb'} dem Ziel von ${target} %${over ? '; dieses Gerät antwortet jetzt seltener' : ''}).`,

  chat: 'Chat',
  close: 'Schließen',
  closeChat: 'Chat schließen',
};
