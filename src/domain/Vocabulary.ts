/** The simulator's vocabulary: citizen names and the words drones overhear, peaceful and tense. */

const words = (text: string): ReadonlyArray<string> => text.split(" ")

const FirstNames: ReadonlyArray<string> = words(
  "Ada Basile Camille Dmitri Elif Farah Gaspard Hana Ines Jonas Kenji Lea Malik Nadia Oscar Paloma " +
    "Quentin Rosa Samir Tess Ugo Vera Wassim Xenia Yann Zoe Amara Bruno Chloe Diego Emma Felix Greta " +
    "Hugo Ivana Jules Karim Lina Marius Nora"
)

const LastNames: ReadonlyArray<string> = words(
  "Morel Bernard Dubois Thomas Robert Petit Durand Leroy Moreau Simon Laurent Lefebvre Michel " +
    "Garcia David Bertrand Roux Vincent Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Blanc " +
    "Guerin Muller Henry Roussel Nicolas Perrin Mathieu Clement Gauthier Dumont Lopez Fabre Chevalier " +
    "Nguyen"
)

/** Words heard around calm citizens (and, less often, around alerts). */
export const PeacefulWords: ReadonlyArray<string> = words(
  "harmony queue garden coffee market bicycle music library picnic smile sunshine bakery school " +
    "river bridge museum concert tram football chess painting festival dog balloon ice-cream park " +
    "holiday neighbour recipe poem leader weather train bread flowers birthday cinema walk friend " +
    "wedding"
)

/** Words heard mostly around alerts. */
export const TenseWords: ReadonlyArray<string> = words(
  "protest strike unfair taxes angry shout corruption rent police riot boycott enough scandal wages " +
    "resist banner petition march debt eviction"
)

/** Number of distinct citizen names the simulator draws from. */
export const NamePoolSize = FirstNames.length * LastNames.length

const NamePool: ReadonlyArray<string> = LastNames.flatMap((last) => FirstNames.map((first) => `${first} ${last}`))
// Draws are skewed toward small indices (some people are seen far more often than others): a fixed permutation
// of the pool (977 is prime, coprime with its size) spreads those frequent people over every first and last name.
export const nameAt = (index: number): string => NamePool[(index * 977) % NamePool.length] ?? ""
