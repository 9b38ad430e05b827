/**
 * A customer's question as the words search looks for: lowercased, without accents, with the
 * abbreviations and spellings of WhatsApp Portuguese written out ("qnd vcs entregam" → "quando voces
 * entregam"). Stemming (plurals, verb forms), stop words and typos are left to PostgreSQL
 * (search.ts); this only does what the database cannot know.
 */

/** WhatsApp shorthand → the word it stands for (several words where one stands for a phrase). */
const SHORTHAND: Record<string, string> = {
  vc: 'voce', vcs: 'voces', oce: 'voce', ce: 'voce', ces: 'voces',
  q: 'que', oq: 'o que', oque: 'o que', qq: 'qualquer', qlq: 'qualquer',
  qnd: 'quando', qdo: 'quando', qndo: 'quando', qd: 'quando',
  qto: 'quanto', qnto: 'quanto', qt: 'quanto', qnt: 'quanto', qts: 'quantos', qtos: 'quantos', qtas: 'quantas',
  pq: 'porque', pk: 'porque', porq: 'porque',
  tb: 'tambem', tbm: 'tambem', tmb: 'tambem',
  hj: 'hoje', amnh: 'amanha', amn: 'amanha',
  blz: 'beleza', obg: 'obrigado', obgd: 'obrigado', obgda: 'obrigada', vlw: 'valeu', pfv: 'por favor', pfvr: 'por favor', pf: 'por favor',
  msg: 'mensagem', msgs: 'mensagens', td: 'tudo', tds: 'todos', mt: 'muito', mto: 'muito', mta: 'muita', mts: 'muitos',
  dps: 'depois', agr: 'agora', n: 'nao', ñ: 'nao', s: 'sim', ss: 'sim', eh: 'e', ta: 'esta', tah: 'esta', tao: 'estao',
  p: 'para', pra: 'para', pro: 'para o', pras: 'para as', pros: 'para os', c: 'com', cm: 'com', tmj: 'juntos',
  aki: 'aqui', aq: 'aqui', kd: 'cade', cad: 'cade', sla: 'sei la', mds: 'meu deus', nd: 'nada', ngm: 'ninguem',
  fds: 'fim de semana', sab: 'sabado', dom: 'domingo', seg: 'segunda', sex: 'sexta',
  hr: 'hora', hrs: 'horas', h: 'horas', min: 'minutos',
  end: 'endereco', ender: 'endereco', tel: 'telefone', cel: 'celular', zap: 'whatsapp', wpp: 'whatsapp', whats: 'whatsapp',
  niver: 'aniversario', aniver: 'aniversario', info: 'informacao', infos: 'informacoes', vdd: 'verdade', qr: 'quer',
  add: 'adicionar', ctz: 'certeza', msm: 'mesmo', neh: 'ne', dnv: 'de novo', prox: 'proximo',
  deb: 'debito', cred: 'credito', grana: 'dinheiro',
  // English shorthand, for customers who write in English.
  u: 'you', ur: 'your', r: 'are', pls: 'please', plz: 'please', thx: 'thanks', tks: 'thanks',
};

/**
 * Words customers use for what a business's material names otherwise: both are searched (the
 * customer's word stays, so a text that uses it still matches first).
 */
const SYNONYMS: Record<string, string> = {
  delivery: 'entrega', frete: 'entrega taxa', motoboy: 'entrega', entregador: 'entrega',
  custa: 'preco valor', custam: 'preco valor', valor: 'preco', preco: 'valor', precos: 'valor', quanto: 'preco',
  pagar: 'pagamento', paga: 'pagamento', pago: 'pagamento', parcela: 'parcelamento', parcelar: 'parcelamento',
  abre: 'horario abertura', abrem: 'horario abertura', fecha: 'horario fechamento', fecham: 'horario fechamento', aberto: 'horario', aberta: 'horario', funciona: 'horario funcionamento', funcionam: 'horario funcionamento',
  encomenda: 'pedido encomendar', encomendar: 'pedido encomenda', pedir: 'pedido', encomendas: 'pedido encomenda',
  devolver: 'devolucao troca', devolucao: 'troca', trocar: 'troca devolucao', reembolso: 'devolucao estorno', estorno: 'reembolso',
  festa: 'festas eventos', aniversario: 'festa', casamento: 'festa evento', salgadinhos: 'salgados',
  alergia: 'alergenicos alergenos', alergico: 'alergenicos alergenos', alergica: 'alergenicos alergenos',
  lactose: 'lactose leite', vegano: 'vegano vegana', vegana: 'vegano',
  onde: 'endereco localizacao', fica: 'endereco localizacao', localizacao: 'endereco',
  cancelar: 'cancelamento', cancela: 'cancelamento', atrasou: 'atraso', atrasado: 'atraso',
  emprego: 'trabalho trabalhar vaga', trabalho: 'emprego trabalhar', vaga: 'emprego',
  bairro: 'bairros regiao', regiao: 'bairros', cep: 'bairros regiao',
  // English words for the same things, for customers who write in English.
  price: 'preco valor', cost: 'preco', hours: 'horario', open: 'horario', deliver: 'entrega', payment: 'pagamento', pay: 'pagamento',
};

/**
 * PostgreSQL's Portuguese stop words that carry accents, without them. The search configurations take
 * accents off before the stemmer, whose stop list is accented, so "ate" (até) or "voce" would be
 * searched as words; the others ("de", "que") are dropped by the configurations themselves.
 */
const UNACCENTED_STOP_WORDS = new Set(
  ('nao a ja tambem so ate voce as nos voces esta estao estavamos estiveramos estivessemos ha hao houveramos ' +
    'houvessemos houvera houverao houveriamos sao eramos foramos fossemos sera serao seriamos tem tinhamos ' +
    'tiveramos tivessemos tera terao teriamos e').split(' '),
);

/** Lowercase, no accents, no punctuation: how the passages' `search_text` is written too. */
export function plainText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** At most this many words are searched: a long message's first 40 words say what it is about. */
const MAX_WORDS = 40;

/** The question's words, shorthand written out and synonyms added, each once, in order. */
export function customerWords(question: string): string[] {
  const out: string[] = [];
  const add = (word: string) => {
    if (word && !out.includes(word)) out.push(word);
  };
  // "R$25" and "25,00" keep their digits; everything else that is not a letter or digit separates words.
  const tokens = plainText(question).match(/[\p{L}\p{N}]+/gu) ?? [];
  for (const token of tokens.slice(0, MAX_WORDS)) {
    // Letters repeated for emphasis ("oiiii", "simmm") are one letter to a search.
    const word = token.replace(/(\p{L})\1{2,}/gu, '$1');
    const expanded = (SHORTHAND[word] ?? word).split(' ');
    for (const w of expanded) {
      if (UNACCENTED_STOP_WORDS.has(w)) continue;
      add(w);
      for (const synonym of SYNONYMS[w]?.split(' ') ?? []) add(synonym);
    }
  }
  return out;
}
